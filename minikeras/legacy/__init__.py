"""Keras 1 and Keras 2 compatibility in one package (as `keras/src/legacy/`).

`arguments.renamed_argument` translates every renamed Keras 1/2 argument with one
warning wording; `legacy.saving` translates what old Keras versions wrote (configs,
weight layouts, backend conventions) into what current layers expect.
"""
