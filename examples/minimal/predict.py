import os

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    # concurrency.max is 2 in cog.yaml: Cog runs concurrent predictions only
    # for an async predict.
    async def predict(self, name: str = Input(description="Who to greet")) -> str:
        return f"{os.environ['GREETING']} {name}"
