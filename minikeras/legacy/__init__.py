"""Keras 1/2 compatibility in one package (as `keras/src/legacy/`).

`arguments.renamed_argument` translates every renamed Keras 1/2 argument with one
warning wording; old-file and old-config translation lives beside it.
"""
