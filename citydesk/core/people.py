"""How people are named on screen."""


def display_name(user) -> str:
    """A user's name in Vietnamese order (family name first), or their username."""
    if user is None:
        return ""
    full = " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)
    return full or user.get_username()
