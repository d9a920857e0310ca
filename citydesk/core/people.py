"""How people are named on screen."""


def full_name(user) -> str:
    """A user's full name in Vietnamese order: family name (last_name) first, then given name."""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def display_name(user) -> str:
    """A user's name in Vietnamese order (family name first), or their username."""
    if user is None:
        return ""
    return full_name(user) or user.get_username()
