"""Sentence embeddings with thenlper/gte-large (1024 dimensions).

The weights are not in the image: cognix's run-time weights downloader
fetches the files listed in weights.lock.json into /src/weights/gte-large
(sha256-checked, resumable) before the server starts, so setup() only loads
them from disk.
"""

from cog import BasePredictor, Input
from sentence_transformers import SentenceTransformer

WEIGHTS = "/src/weights/gte-large"


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.model = SentenceTransformer(WEIGHTS, device="cpu")

    def predict(
        self,
        texts: str = Input(description="Texts to embed, one per line"),
        normalize: bool = Input(description="Scale each embedding to unit length", default=True),
        batch_size: int = Input(description="Texts per batch", default=16, ge=1, le=128),
    ) -> list[list[float]]:
        lines = [line for line in texts.splitlines() if line.strip()]
        vectors = self.model.encode(lines, batch_size=batch_size, normalize_embeddings=normalize)
        return vectors.tolist()
