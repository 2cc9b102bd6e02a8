"""Sentence embeddings with thenlper/gte-small (384 dimensions).

The weights are part of the image: cog.yaml's `weights:` puts them in
/src/weights/gte-small when the image is built.
"""

from cog import BasePredictor, Input
from sentence_transformers import SentenceTransformer

WEIGHTS = "/src/weights/gte-small"


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.model = SentenceTransformer(WEIGHTS, device="cpu")

    def predict(
        self,
        texts: str = Input(description="Texts to embed, one per line"),
        normalize: bool = Input(description="Scale each embedding to unit length", default=True),
        batch_size: int = Input(description="Texts per batch", default=32, ge=1, le=256),
    ) -> list[list[float]]:
        lines = [line for line in texts.splitlines() if line.strip()]
        vectors = self.model.encode(lines, batch_size=batch_size, normalize_embeddings=normalize)
        return vectors.tolist()
