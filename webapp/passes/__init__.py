"""Green passes (绿色通行证) at /p/<code>."""
