"""The optional compiled LZ-string decoder; all other metadata is in pyproject.toml.

As aiohttp, yarl and multidict do: the extension is built when a C compiler and the Python
headers are there, and skipped with a warning (never an error) when not, leaving the pure-Python
decoder. ``VCLAIM_NO_EXTENSIONS=1`` at build time skips it on purpose; so does any
interpreter other than CPython (the file uses the CPython C API).
"""

from __future__ import annotations

import os
import platform

from setuptools import Extension, setup

NO_EXTENSIONS = bool(os.environ.get("VCLAIM_NO_EXTENSIONS")) or (
    platform.python_implementation() != "CPython"
)

# optional=True: setuptools' build_ext reports a compile or link failure and goes on.
ext_modules = (
    []
    if NO_EXTENSIONS
    else [
        Extension(
            "vclaim_async._lzstring_c",
            ["vclaim_async/_lzstring_c.c"],
            optional=True,
        )
    ]
)

setup(ext_modules=ext_modules)
