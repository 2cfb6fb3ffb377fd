"""Settings: every one read from the environment is declared in webapp/config.py and listed in
README's configuration table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_setting_is_in_the_readme():
    """A variable that config.py reads from the environment has its row in README."""
    source = (ROOT / "webapp" / "config.py").read_text()
    names = set(re.findall(r'(?:environ\.get|_env_int|_env_flag)\(\s*"([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.M))
    assert names, "no setting found in config.py"
    assert names <= listed, f"add to README's configuration table: {sorted(names - listed)}"
