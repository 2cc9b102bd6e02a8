"""Propagates the style of one keyframe to every frame of a video (CPU only).

Each frame is matched to the keyframe with dense optical flow and the styled
keyframe is warped along it, blended with the previous styled frame to keep
the result stable over time. ffmpeg reassembles the frames with the audio.
"""

import subprocess
import tempfile

import cv2
import numpy as np
from cog import BasePredictor, Input, Path


class Predictor(BasePredictor):
    def setup(self) -> None:
        cv2.setNumThreads(0)

    def predict(
        self,
        video: Path = Input(description="Video to stylise"),
        keyframe: Path = Input(description="The video's first frame, painted in the wanted style"),
        blend: float = Input(description="Weight of the previous styled frame", default=0.3, ge=0.0, le=0.9),
        fps: int = Input(description="Output frames per second", default=24, ge=1, le=60),
    ) -> Path:
        style = cv2.imread(str(keyframe))
        capture = cv2.VideoCapture(str(video))
        ok, first = capture.read()
        if not ok or style is None:
            raise ValueError("could not read the video or the keyframe")
        style = cv2.resize(style, (first.shape[1], first.shape[0]))
        anchor = cv2.cvtColor(first, cv2.COLOR_BGR2GRAY)
        grid = np.dstack(np.meshgrid(np.arange(first.shape[1]), np.arange(first.shape[0]))).astype(np.float32)

        workdir = Path(tempfile.mkdtemp())
        frames = workdir / "frame-%06d.png"
        previous = style
        index = 0
        while ok:
            gray = cv2.cvtColor(first, cv2.COLOR_BGR2GRAY)
            flow = cv2.calcOpticalFlowFarneback(gray, anchor, None, 0.5, 3, 15, 3, 5, 1.2, 0)
            warped = cv2.remap(style, grid + flow, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
            previous = cv2.addWeighted(warped, 1.0 - blend, previous, blend, 0)
            cv2.imwrite(str(frames).replace("%06d", f"{index:06d}"), previous)
            index += 1
            ok, first = capture.read()

        out = workdir / "styled.mp4"
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-framerate", str(fps), "-i", str(frames),
             "-i", str(video), "-map", "0:v", "-map", "1:a?", "-c:v", "libx264", "-pix_fmt", "yuv420p",
             "-shortest", str(out)],
            check=True,
        )
        return out
