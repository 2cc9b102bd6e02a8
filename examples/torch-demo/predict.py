"""Classifies an image with torchvision's ResNet-18 (ImageNet weights)."""

import torch
from cog import BasePredictor, Input, Path
from PIL import Image
from torchvision.models import ResNet18_Weights, resnet18


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.weights = ResNet18_Weights.IMAGENET1K_V1
        self.model = resnet18(weights=self.weights).eval().to(self.device)
        self.preprocess = self.weights.transforms()

    @torch.inference_mode()
    def predict(
        self,
        image: Path = Input(description="Image to classify"),
        top_k: int = Input(description="Number of classes to return", default=5, ge=1, le=20),
    ) -> dict[str, float]:
        batch = self.preprocess(Image.open(image).convert("RGB")).unsqueeze(0).to(self.device)
        probs = self.model(batch).softmax(dim=1)[0]
        values, indices = probs.topk(top_k)
        labels = self.weights.meta["categories"]
        return {labels[i]: round(v, 6) for v, i in zip(values.tolist(), indices.tolist())}
