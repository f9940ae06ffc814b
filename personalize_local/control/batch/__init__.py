"""How batch inference and batch segment jobs read, answer and write their lines.

`s3` plans the input and output objects and moves them; `lines` parses input lines; the
answerers `inference` and `segments` answer a file's lines. The operations themselves are in
`control.batch_jobs`.
"""
