"""govtrust — 政务诚信平台, an open-source platform for government integrity in China."""

__version__ = "0.1.0"
