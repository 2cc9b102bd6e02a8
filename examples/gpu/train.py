from cog import Input


def train(epochs: int = Input(default=1)) -> str:
    return f"trained for {epochs} epochs"
