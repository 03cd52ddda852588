"""Keras 1 and Keras 2 compatibility: old argument names, old file layouts.

`legacy.saving` translates what old Keras versions wrote (configs, weight
layouts, backend conventions) into what current layers expect.
"""
