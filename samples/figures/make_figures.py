#!/usr/bin/env python3
"""Generate the figures of the sample surveys (samples/*.yaml).

The reference deck's figures are screenshots from the papers, which we may not
ship. These stand-ins are drawn from scratch: block diagrams, charts and
colour-field "photos". Everything is deterministic (fixed seeds, no dates, no
metadata), so running the script again rewrites identical files:

    python3 samples/figures/make_figures.py

Needs Pillow and NumPy (`pip install pillow numpy`). Japanese labels use the
BIZ UDPGothic font shipped in fonts/. PNG for diagrams and charts, JPEG for the
photo-like images; each file stays well under 30 KB.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONT_PATH = HERE.parents[1] / "fonts" / "BIZUDPGothic-Regular.ttf"

# A calm palette that reads on a white slide and in greyscale print.
INK = (40, 48, 64)
GREY = (150, 156, 166)
LIGHT = (232, 236, 242)
BLUE = (66, 120, 200)
SKY = (150, 190, 235)
ORANGE = (236, 146, 60)
GREEN = (92, 170, 110)
RED = (214, 84, 76)
PURPLE = (140, 96, 190)
YELLOW = (240, 200, 80)
WHITE = (255, 255, 255)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


# --------------------------------------------------------------------------
# Saving


def save_png(img: Image.Image, name: str) -> None:
    # A palette image keeps flat diagrams to a few KB.
    img = img.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.save(HERE / name, format="PNG", optimize=True)


def save_jpg(img: Image.Image, name: str, quality: int = 72) -> None:
    img.convert("RGB").save(HERE / name, format="JPEG", quality=quality, optimize=True, progressive=False)


# --------------------------------------------------------------------------
# Drawing helpers


def canvas(w: int, h: int, bg=WHITE) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (w, h), bg)
    return img, ImageDraw.Draw(img)


def box(d: ImageDraw.ImageDraw, xy, fill, label: str = "", size: int = 16, color=INK, radius: int = 8, outline=None):
    d.rounded_rectangle(xy, radius=radius, fill=fill, outline=outline, width=2)
    if label:
        x0, y0, x1, y1 = xy
        d.multiline_text(((x0 + x1) / 2, (y0 + y1) / 2), label, font=font(size), fill=color, anchor="mm", align="center", spacing=4)


def arrow(d: ImageDraw.ImageDraw, p0, p1, color=INK, width: int = 3, head: int = 10):
    d.line([p0, p1], fill=color, width=width)
    ang = math.atan2(p1[1] - p0[1], p1[0] - p0[0])
    left = (p1[0] - head * math.cos(ang - 0.45), p1[1] - head * math.sin(ang - 0.45))
    right = (p1[0] - head * math.cos(ang + 0.45), p1[1] - head * math.sin(ang + 0.45))
    d.polygon([p1, left, right], fill=color)


def trapezoid(d: ImageDraw.ImageDraw, x: int, y: int, w: int, h0: int, h1: int, fill):
    """A layer drawn as a trapezoid whose height goes from h0 (left) to h1 (right)."""
    cy = y
    d.polygon([(x, cy - h0 / 2), (x + w, cy - h1 / 2), (x + w, cy + h1 / 2), (x, cy + h0 / 2)], fill=fill)


# --------------------------------------------------------------------------
# Fields for the photo-like images


def smooth_noise(rng: np.random.Generator, h: int, w: int, scale: int) -> np.ndarray:
    """Value noise in [0, 1]: a coarse random grid, resized smoothly."""
    gh, gw = max(2, h // scale), max(2, w // scale)
    grid = rng.random((gh, gw)).astype(np.float32)
    img = Image.fromarray((grid * 255).astype(np.uint8), "L").resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 255.0


def colormap(values: np.ndarray, stops: list[tuple[float, tuple[int, int, int]]]) -> np.ndarray:
    """Piecewise-linear colour map of values in [0, 1] to an RGB array."""
    out = np.zeros(values.shape + (3,), dtype=np.float32)
    xs = [s[0] for s in stops]
    for c in range(3):
        out[..., c] = np.interp(values, xs, [s[1][c] for s in stops])
    return out.clip(0, 255).astype(np.uint8)


RAIN = [
    (0.00, (245, 248, 245)),
    (0.25, (150, 210, 140)),
    (0.45, (60, 160, 80)),
    (0.62, (240, 210, 70)),
    (0.78, (220, 70, 50)),
    (1.00, (130, 60, 170)),
]


def rainfall(rng: np.random.Generator, h: int, w: int, extreme: float) -> Image.Image:
    """A rainfall map: smooth cells; `extreme` pushes values into the purple end."""
    base = 0.6 * smooth_noise(rng, h, w, 10) + 0.4 * smooth_noise(rng, h, w, 4)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    storm = np.exp(-(((xx - cx) / (0.35 * w)) ** 2 + ((yy - cy) / (0.3 * h)) ** 2))
    v = 0.55 * base + extreme * storm
    v = (v - v.min()) / (v.max() - v.min() + 1e-6) * (0.55 + 0.45 * extreme)
    return Image.fromarray(colormap(v, RAIN), "RGB")


def panel_row(tiles: list[Image.Image], gap: int = 6, bg=WHITE) -> Image.Image:
    w = sum(t.width for t in tiles) + gap * (len(tiles) + 1)
    h = max(t.height for t in tiles) + 2 * gap
    row = Image.new("RGB", (w, h), bg)
    x = gap
    for t in tiles:
        row.paste(t, (x, gap))
        x += t.width + gap
    return row


def scene(rng: np.random.Generator, w: int, h: int, sky_top, sky_bottom, ground, horizon: float = 0.55) -> Image.Image:
    """A soft landscape: gradient sky, rolling hills, a little texture."""
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    sky = np.array(sky_top, np.float32) * (1 - yy[..., None]) + np.array(sky_bottom, np.float32) * yy[..., None]
    img = np.broadcast_to(sky, (h, w, 3)).copy()
    ridge = horizon * h + 0.08 * h * (smooth_noise(rng, 1 * 8, w, 40)[0] - 0.5) * 2
    rows = np.arange(h, dtype=np.float32)[:, None]
    land = rows > ridge[None, :]
    shade = 0.85 + 0.3 * smooth_noise(rng, h, w, 24)
    ground_rgb = np.array(ground, np.float32)[None, None, :] * shade[..., None]
    img[land] = ground_rgb[land]
    img += (rng.standard_normal((h, w, 1)) * 3).astype(np.float32)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.6))


def house(d: ImageDraw.ImageDraw, x: int, y: int, s: int, wall, roof, door: bool = True, dome: bool = False, spire: bool = False):
    d.rectangle([x, y, x + s, y + int(0.7 * s)], fill=wall)
    if dome:
        d.pieslice([x + s * 0.1, y - s * 0.45, x + s * 0.9, y + s * 0.35], 180, 360, fill=roof)
    elif spire:
        d.polygon([(x + s * 0.35, y), (x + s * 0.5, y - s * 0.9), (x + s * 0.65, y)], fill=roof)
        d.polygon([(x - 4, y), (x + s / 2, y - s * 0.3), (x + s + 4, y)], fill=roof)
    else:
        d.polygon([(x - 4, y), (x + s / 2, y - s * 0.4), (x + s + 4, y)], fill=roof)
    if door:
        d.rectangle([x + s * 0.42, y + s * 0.35, x + s * 0.58, y + s * 0.7], fill=(90, 60, 40))


def tree(d: ImageDraw.ImageDraw, x: int, y: int, s: int, leaf=(60, 130, 70)):
    d.rectangle([x - s * 0.06, y - s * 0.2, x + s * 0.06, y + s * 0.3], fill=(110, 80, 50))
    d.ellipse([x - s * 0.35, y - s * 0.75, x + s * 0.35, y + s * 0.0], fill=leaf)


# --------------------------------------------------------------------------
# The figures, in the order of the reference deck


def exgan_rain(rng):
    """Slide 14: DCGAN (typical) vs ExGAN (extreme) rainfall samples."""
    typical = [rainfall(rng, 110, 150, 0.1) for _ in range(2)]
    extreme = [rainfall(rng, 110, 150, 0.9) for _ in range(2)]
    left = panel_row(typical)
    right = panel_row(extreme)
    img, d = canvas(left.width + right.width + 30, left.height + 12)
    img.paste(left, (0, 6))
    img.paste(right, (left.width + 30, 6))
    d.line([(left.width + 15, 10), (left.width + 15, left.height)], fill=GREY, width=2)
    save_jpg(img, "exgan-rainfall.jpg")


def exgan_compare(rng):
    """Slide 15: two rows of four maps: (i)(ii) data, (iii)(iv) generated."""
    normal = [rainfall(rng, 90, 120, 0.25) for _ in range(2)] + [rainfall(rng, 90, 120, 0.2) for _ in range(2)]
    extreme = [rainfall(rng, 90, 120, 0.95) for _ in range(2)] + [rainfall(rng, 90, 120, 0.9) for _ in range(2)]
    save_jpg(panel_row(normal), "exgan-normal-row.jpg")
    save_jpg(panel_row(extreme), "exgan-extreme-row.jpg")


def continual_method(rng):
    """Slide 12: distillation regulariser + exemplar rehearsal."""
    img, d = canvas(640, 300)
    box(d, (20, 40, 170, 110), SKY, "new data", 18)
    box(d, (20, 170, 170, 240), LIGHT, "exemplars\n(herding)", 18, outline=GREY)
    box(d, (250, 100, 400, 190), BLUE, "model", 20, WHITE)
    arrow(d, (170, 75), (250, 125))
    arrow(d, (170, 205), (250, 165))
    box(d, (470, 40, 620, 110), (250, 225, 190), "new classes\nloss", 16)
    box(d, (470, 170, 620, 240), (250, 225, 190), "distillation\n(old outputs)", 16)
    arrow(d, (400, 130), (470, 80))
    arrow(d, (400, 160), (470, 200))
    save_png(img, "continual-rehearsal.png")


def flow_edge(rng):
    """Slide 17: a frame with a hole, its flow edges, and the completed frame."""
    tiles = []
    base = scene(rng, 170, 120, (170, 200, 235), (225, 235, 245), (110, 150, 90))
    for k in range(3):
        t = base.copy()
        d = ImageDraw.Draw(t)
        d.ellipse([60, 50, 110, 100], fill=(200, 120, 80))
        if k == 0:
            d.rectangle([70, 35, 125, 95], fill=(250, 250, 250))
        if k == 1:
            t = Image.new("RGB", t.size, (30, 30, 40))
            d = ImageDraw.Draw(t)
            d.ellipse([60, 50, 110, 100], outline=(240, 240, 240), width=2)
            d.line([(0, 66), (170, 60)], fill=(120, 200, 255), width=2)
        tiles.append(t)
    save_jpg(panel_row(tiles, gap=8), "flow-edge-completion.jpg")


def dfc_net(rng):
    """Slide 18: three DFC-S subnetworks, coarse to fine."""
    img, d = canvas(680, 220)
    box(d, (10, 80, 110, 140), LIGHT, "frames", 16, outline=GREY)
    xs = [150, 330, 510]
    for i, x in enumerate(xs):
        box(d, (x, 60, x + 140, 160), [SKY, BLUE, (40, 80, 150)][i], f"DFC-S {i + 1}", 18, WHITE if i else INK)
    arrow(d, (110, 110), (150, 110))
    arrow(d, (290, 110), (330, 110))
    arrow(d, (470, 110), (510, 110))
    for i, x in enumerate(xs):
        d.text((x + 70, 185), ["coarse", "finer", "finest"][i], font=font(15), fill=GREY, anchor="mm")
    save_png(img, "dfc-net.png")


def inpainting(rng):
    """Slide 20: a photo with holes, and the inpainted result."""
    photo = scene(rng, 300, 200, (120, 170, 230), (215, 230, 245), (90, 140, 80), horizon=0.6)
    d = ImageDraw.Draw(photo)
    house(d, 170, 95, 60, (235, 225, 205), (170, 70, 60))
    tree(d, 80, 140, 70)
    save_jpg(photo, "inpainting-result.jpg")
    masked = photo.copy()
    md = ImageDraw.Draw(masked)
    for (x, y, r) in [(95, 90, 22), (200, 110, 18), (150, 160, 25), (250, 60, 15)]:
        md.ellipse([x - r, y - r, x + r, y + r], fill=WHITE)
    save_jpg(masked, "inpainting-masked.jpg")


def distillation(rng):
    """Slide 25: teacher → soft labels → student (Japanese labels)."""
    img, d = canvas(720, 300)
    box(d, (20, 40, 140, 110), LIGHT, "入力画像", 18, outline=GREY)
    box(d, (200, 30, 360, 120), BLUE, "教師モデル", 20, WHITE)
    box(d, (430, 40, 700, 110), SKY, "大きいモデルの推論結果", 18)
    box(d, (20, 190, 140, 260), LIGHT, "入力画像", 18, outline=GREY)
    box(d, (220, 190, 340, 260), ORANGE, "生徒\nモデル", 18, WHITE)
    box(d, (430, 190, 700, 260), (252, 222, 190), "小さいモデルの推論結果", 18)
    arrow(d, (140, 75), (200, 75))
    arrow(d, (360, 75), (430, 75))
    arrow(d, (140, 225), (220, 225))
    arrow(d, (340, 225), (430, 225))
    arrow(d, (565, 110), (565, 190), color=RED)
    d.text((550, 150), "教師モデルの出力を正解ラベルの代わりに使用", font=font(15), fill=RED, anchor="rm")
    save_png(img, "distillation.png")


def one_shot_characters(rng):
    """Slide 28: one example on the left, four candidates on the right."""
    img, d = canvas(620, 200)
    f = font(84)
    box(d, (20, 30, 160, 170), LIGHT, outline=BLUE)
    d.text((90, 100), "夫", font=f, fill=INK, anchor="mm")
    d.line([(190, 20), (190, 180)], fill=GREY, width=2)
    for i, ch in enumerate("末天大夫"):
        x = 220 + i * 100
        box(d, (x, 40, x + 90, 160), WHITE, outline=GREY)
        d.text((x + 45, 100), ch, font=font(64), fill=INK, anchor="mm")
    save_png(img, "one-shot-characters.png")


def grounded_tasks(rng):
    """Slide 30: the agent's room in the discovery and instruction phases."""
    tiles = []
    for phase in range(2):
        t = Image.new("RGB", (260, 170), (205, 200, 190))
        d = ImageDraw.Draw(t)
        d.polygon([(0, 170), (60, 90), (200, 90), (260, 170)], fill=(170, 150, 120))
        d.rectangle([60, 20, 200, 90], fill=(225, 225, 230))
        spots = [(90, 120), (170, 130)] if phase == 0 else [(180, 115), (95, 135)]
        d.ellipse([spots[0][0] - 18, spots[0][1] - 18, spots[0][0] + 18, spots[0][1] + 18], fill=ORANGE)
        d.rectangle([spots[1][0] - 16, spots[1][1] - 22, spots[1][0] + 16, spots[1][1] + 16], fill=BLUE)
        tiles.append(t.filter(ImageFilter.GaussianBlur(0.8)))
    save_jpg(panel_row(tiles, gap=10), "grounded-phases.jpg")


def grounded_demo(rng):
    """Slide 31: a still from the authors' demo video."""
    t = Image.new("RGB", (320, 200), (200, 196, 188))
    d = ImageDraw.Draw(t)
    d.polygon([(0, 200), (70, 100), (250, 100), (320, 200)], fill=(160, 140, 115))
    d.rectangle([70, 20, 250, 100], fill=(222, 224, 230))
    for i, c in enumerate([ORANGE, BLUE, GREEN]):
        d.ellipse([100 + i * 50, 130, 130 + i * 50, 160], fill=c)
    d.polygon([(150, 60), (150, 90), (176, 75)], fill=(255, 255, 255))
    save_jpg(t.filter(ImageFilter.GaussianBlur(0.7)), "grounded-demo.jpg")


def dl_timeline(rng):
    """Slide 34: release dates of DL frameworks (top) and DL compilers (bottom)."""
    frameworks = [2008.0, 2013.7, 2015.2, 2015.3, 2015.3, 2015.45, 2015.85, 2017.0, 2017.3]
    compilers = [2016.85, 2016.85, 2017.6, 2017.75, 2017.85, 2018.1, 2018.3, 2018.35, 2018.6]
    w, h = 720, 220
    img, d = canvas(w, h)
    x0, x1 = 50, w - 30

    def xof(year: float) -> float:
        return x0 + (year - 2008) / (2019 - 2008) * (x1 - x0)

    d.line([(x0, 110), (x1, 110)], fill=INK, width=3)
    for y in range(2008, 2020):
        d.line([(xof(y), 104), (xof(y), 116)], fill=INK, width=2)
        d.text((xof(y), 128), str(y), font=font(13), fill=GREY, anchor="mt")
    for i, yr in enumerate(frameworks):
        x = xof(yr)
        top = 90 - (i % 3) * 22
        d.line([(x, top), (x, 110)], fill=BLUE, width=2)
        d.ellipse([x - 6, top - 6, x + 6, top + 6], fill=BLUE)
    for i, yr in enumerate(compilers):
        x = xof(yr)
        bottom = 160 + (i % 3) * 18
        d.line([(x, 110), (x, bottom)], fill=ORANGE, width=2)
        d.ellipse([x - 6, bottom - 6, x + 6, bottom + 6], fill=ORANGE)
    d.text((x0, 12), "frameworks", font=font(15), fill=BLUE)
    d.text((x0, h - 22), "compilers", font=font(15), fill=ORANGE)
    save_png(img, "dl-timeline.png")


def matlab_manual(rng):
    """Slides 38–39: a manual cover, as a simple book."""
    img, d = canvas(220, 280, WHITE)
    d.rectangle([30, 20, 190, 260], fill=(30, 70, 120))
    d.rectangle([30, 20, 44, 260], fill=(20, 50, 90))
    d.rectangle([60, 60, 170, 72], fill=(240, 200, 80))
    d.rectangle([60, 84, 150, 92], fill=(220, 230, 240))
    for i in range(5):
        for j in range(3):
            d.ellipse([70 + j * 35, 130 + i * 22, 80 + j * 35, 140 + i * 22], fill=(150, 190, 235))
    save_png(img, "nn-toolbox-manual.png")


def prada_exhibition(rng):
    """Slide 44: an exhibition wall of face portraits, as soft colour fields."""
    w, h = 420, 240
    wall = scene(rng, w, h, (60, 60, 70), (90, 88, 95), (70, 60, 55), horizon=0.82)
    d = ImageDraw.Draw(wall)
    for r in range(3):
        for c in range(8):
            x, y = 20 + c * 50, 20 + r * 58
            tone = int(140 + 80 * rng.random())
            d.rectangle([x, y, x + 40, y + 48], fill=(tone, int(tone * 0.85), int(tone * 0.75)))
            d.ellipse([x + 10, y + 8, x + 30, y + 34], fill=(min(255, tone + 30), int(tone * 0.9), int(tone * 0.8)))
    save_jpg(wall.filter(ImageFilter.GaussianBlur(0.8)), "exhibition-wall.jpg")


def brain2word(rng):
    """Slide 47: the decoder (trapezoids = dense layers, rectangles = feature maps) and the generator."""
    img, d = canvas(700, 200)
    box(d, (10, 70, 100, 130), LIGHT, "fMRI", 18, outline=GREY)
    x = 120
    for i, (h0, h1) in enumerate([(120, 80), (80, 50)]):
        trapezoid(d, x, 100, 80, h0, h1, BLUE)
        x += 100
    for i in range(3):
        d.rectangle([x + i * 10, 60 + i * 6, x + 60 + i * 10, 140 - i * 6], fill=ORANGE, outline=WHITE)
    x += 110
    trapezoid(d, x, 100, 80, 50, 20, BLUE)
    d.line([(100, 100), (120, 100)], fill="black", width=3)
    d.line([(400, 100), (430, 100)], fill="black", width=3)
    box(d, (550, 70, 690, 130), (250, 225, 190), "word", 18)
    arrow(d, (510, 100), (550, 100))
    save_png(img, "brain2word-decoder.png")

    img, d = canvas(700, 180)
    box(d, (10, 60, 120, 120), LIGHT, "fMRI", 18, outline=GREY)
    box(d, (170, 50, 330, 130), BLUE, "decoder", 18, WHITE)
    box(d, (390, 50, 530, 130), (250, 225, 190), "anchor\nwords", 16)
    box(d, (580, 50, 690, 130), ORANGE, "GPT-2", 18, WHITE)
    arrow(d, (120, 90), (170, 90))
    arrow(d, (330, 90), (390, 90))
    arrow(d, (530, 90), (580, 90))
    save_png(img, "brain2word-generation.png")


def photo3d_pipeline(rng):
    """Slide 54: input → depth → lifting → inpainting → mesh → result."""
    img, d = canvas(760, 170)
    colors = [LIGHT, SKY, BLUE, ORANGE, GREEN, (250, 225, 190)]
    for i in range(6):
        x = 10 + i * 125
        box(d, (x, 45, x + 100, 125), colors[i], str(i + 1), 26, WHITE if i in (2, 3, 4) else INK)
        if i < 5:
            arrow(d, (x + 100, 85), (x + 125, 85))
    save_png(img, "photo3d-pipeline.png")


def megadepth(rng):
    """Slide 56: a landmark photo and its depth map with the sky masked."""
    photo = scene(rng, 220, 160, (110, 160, 225), (205, 225, 245), (150, 130, 100), horizon=0.45)
    d = ImageDraw.Draw(photo)
    house(d, 70, 60, 80, (215, 205, 185), (150, 140, 130), spire=True)
    yy = np.linspace(0, 1, 160, dtype=np.float32)[:, None]
    depth = np.broadcast_to(1 - yy, (160, 220)).copy()
    depth[: int(0.45 * 160)] = 0.0  # sky: no depth
    depth_img = Image.fromarray(colormap(depth, [(0, (20, 20, 40)), (0.5, (200, 80, 120)), (1, (250, 230, 120))]), "RGB")
    dd = ImageDraw.Draw(depth_img)
    dd.rectangle([70, 60, 150, 116], fill=(230, 150, 110))
    save_jpg(panel_row([photo, depth_img], gap=8), "megadepth-sample.jpg")


def pspnet(rng):
    """Slide 57: encoder, pyramid pooling module, decoder."""
    img, d = canvas(720, 240)
    box(d, (10, 80, 110, 160), LIGHT, "image", 16, outline=GREY)
    box(d, (140, 60, 260, 180), BLUE, "ResNet101\nencoder", 16, WHITE)
    for i, s in enumerate([1, 2, 3, 6]):
        y = 30 + i * 48
        box(d, (310, y, 430, y + 36), [SKY, ORANGE, GREEN, PURPLE][i], f"pool {s}×{s}", 15, INK if i == 0 else WHITE, radius=5)
        arrow(d, (260, 120), (310, y + 18), width=2, head=8)
        arrow(d, (430, y + 18), (480, 120), width=2, head=8)
    box(d, (480, 80, 590, 160), (40, 80, 150), "decoder", 16, WHITE)
    box(d, (620, 80, 710, 160), (250, 225, 190), "labels", 16)
    arrow(d, (590, 120), (620, 120))
    arrow(d, (110, 120), (140, 120))
    save_png(img, "pspnet.png")


def depth_network(rng):
    """Slide 58: U-shaped depth network; grey TR blocks resample, blue keep resolution."""
    img, d = canvas(720, 240)
    down = [(20, 30, 80), (110, 55, 60), (200, 80, 40)]
    for x, y, s in down:
        box(d, (x, y, x + s, y + s), (170, 170, 175), radius=4)
    box(d, (290, 100, 430, 140), BLUE, radius=4)
    up = [(470, 80, 40), (540, 55, 60), (630, 30, 80)]
    for x, y, s in up:
        box(d, (x, y, x + s - 10 if s == 80 else x + s, y + s), (170, 170, 175), radius=4)
    for (x, y, s), (ux, uy, us) in zip(down, reversed(up)):
        d.line([(x + s, y + 8), (ux, uy + 8)], fill=SKY, width=2)
    arrow(d, (240, 120), (290, 120))
    arrow(d, (430, 120), (470, 110))
    save_png(img, "depth-network.png")


def photo3d_demo(rng):
    """Slide 59: three views of a 3D photo (the viewpoint moves)."""
    base = scene(rng, 200, 140, (140, 185, 235), (220, 232, 246), (100, 145, 85), horizon=0.58)
    views = []
    for shift in (-8, 0, 8):
        v = base.copy()
        d = ImageDraw.Draw(v)
        tree(d, 60 + shift * 2, 115, 80)
        house(d, 120 + shift // 2, 70, 50, (235, 225, 205), (170, 70, 60))
        views.append(v)
    save_jpg(panel_row(views, gap=6), "photo3d-views.jpg")


def dissection_overview(rng):
    """Slide 61: a classifier (VGG-16) and a generator (Progressive GAN), dissected the same way."""
    img, d = canvas(720, 260)
    box(d, (10, 30, 90, 100), LIGHT, "image", 15, outline=GREY)
    for i in range(5):
        x = 110 + i * 60
        trapezoid(d, x, 65, 45, 70 - i * 10, 60 - i * 10, BLUE)
    box(d, (420, 40, 500, 90), SKY, "class", 15)
    arrow(d, (400, 65), (420, 65))
    box(d, (10, 160, 90, 230), LIGHT, "z", 18, outline=GREY)
    for i in range(5):
        x = 110 + i * 60
        trapezoid(d, x, 195, 45, 20 + i * 10, 30 + i * 10, ORANGE)
    box(d, (420, 170, 500, 220), (250, 225, 190), "image", 15)
    arrow(d, (400, 195), (420, 195))
    for y in (65, 195):
        d.ellipse([275, y - 9, 293, y + 9], fill=RED)
        arrow(d, (293, y), (560, y), color=RED, width=2, head=8)
    box(d, (560, 30, 710, 100), (250, 230, 225), "unit = tree?", 15)
    box(d, (560, 160, 710, 230), (250, 230, 225), "unit = door?", 15)
    save_png(img, "dissection-overview.png")


def bar_chart(values, colors, name: str, w: int = 420, h: int = 240, baseline_labels=None):
    img, d = canvas(w, h)
    n = len(values)
    left, bottom, top = 40, h - 30, 15
    d.line([(left, top), (left, bottom)], fill=INK, width=2)
    d.line([(left, bottom), (w - 10, bottom)], fill=INK, width=2)
    bw = (w - left - 20) / n
    vmax = max(values)
    for i, v in enumerate(values):
        x = left + 6 + i * bw
        y = bottom - (bottom - top - 10) * v / vmax
        d.rectangle([x, y, x + bw - 8, bottom - 1], fill=colors[i % len(colors)])
        if baseline_labels:
            d.text((x + (bw - 8) / 2, bottom + 6), baseline_labels[i], font=font(12), fill=GREY, anchor="mt")
    save_png(img, name)


def vgg_charts(rng):
    """Slide 62: object detectors per layer (they appear in conv5), and accuracy lost per removed unit."""
    layers = ["c1", "c2", "c3", "c4", "c5"]
    bar_chart([2, 6, 14, 32, 81], [SKY, SKY, BLUE, BLUE, (40, 80, 150)], "vgg-detectors-by-layer.png", baseline_labels=layers)
    drops = sorted((rng.gamma(1.5, 1.0, 24)).tolist(), reverse=True)
    bar_chart(drops, [RED] * 4 + [GREY], "vgg-unit-ablation.png")


def pggan_chart(rng):
    """Slide 63: matching units per layer, objects vs parts (parts peak at layer 5)."""
    w, h = 460, 250
    img, d = canvas(w, h)
    left, bottom, top = 40, h - 30, 20
    d.line([(left, top), (left, bottom)], fill=INK, width=2)
    d.line([(left, bottom), (w - 10, bottom)], fill=INK, width=2)
    objects = [3, 10, 22, 35, 40, 30, 20, 12, 6, 3, 2, 1]
    parts = [1, 6, 18, 44, 62, 38, 22, 10, 5, 2, 1, 1]
    step = (w - left - 30) / (len(objects) - 1)

    def pts(vals):
        return [(left + 10 + i * step, bottom - (bottom - top - 10) * v / 65) for i, v in enumerate(vals)]

    d.line(pts(objects), fill=BLUE, width=3)
    d.line(pts(parts), fill=ORANGE, width=3)
    for i in range(len(objects)):
        x = left + 10 + i * step
        d.text((x, bottom + 6), str(i + 1), font=font(12), fill=GREY, anchor="mt")
    px, py = pts(parts)[4]
    d.ellipse([px - 6, py - 6, px + 6, py + 6], outline=RED, width=3)
    save_png(img, "pggan-units-by-layer.png")


def gan_edits(rng):
    """Slides 64–65: a generated church scene; trees removed; doors added."""
    def church(trees: bool, doors: int, seed: int) -> Image.Image:
        r = np.random.default_rng(seed)
        s = scene(r, 200, 150, (150, 190, 235), (225, 235, 246), (110, 150, 90), horizon=0.7)
        d = ImageDraw.Draw(s)
        house(d, 60, 55, 80, (220, 210, 190), (120, 110, 110), door=False, spire=True)
        for k in range(doors):
            x = 75 + k * 22
            d.rectangle([x, 90, x + 12, 111], fill=(90, 60, 40))
        if trees:
            for x in (30, 55, 150, 175):
                tree(d, x, 125, 70)
        return s

    save_jpg(panel_row([church(True, 1, 64), church(False, 1, 64)], gap=8), "gan-remove-trees.jpg")
    save_jpg(panel_row([church(False, 0, 65), church(False, 1, 65), church(False, 3, 65)], gap=8), "gan-add-doors.jpg")


def adversarial(rng):
    """Slide 66: ski resort, the perturbation, and the 'bedroom' that looks the same."""
    ski = scene(rng, 180, 130, (120, 160, 220), (220, 230, 245), (240, 244, 250), horizon=0.45)
    d = ImageDraw.Draw(ski)
    d.polygon([(0, 70), (60, 25), (120, 70)], fill=(200, 210, 225))
    tree(d, 140, 95, 40, leaf=(50, 100, 70))
    noise = (rng.standard_normal((130, 180, 3)) * 40 + 128).clip(0, 255).astype(np.uint8)
    pert = Image.fromarray(noise, "RGB").filter(ImageFilter.GaussianBlur(1.2))
    save_jpg(panel_row([ski, pert, ski]), "adversarial-ski.jpg", quality=68)


def gan_paint(rng):
    """Slide 67: a spire replaced by a dome where the user painted."""
    a = scene(np.random.default_rng(67), 200, 150, (150, 190, 235), (225, 235, 246), (110, 150, 90), horizon=0.7)
    b = a.copy()
    house(ImageDraw.Draw(a), 60, 60, 80, (220, 210, 190), (120, 110, 110), spire=True)
    house(ImageDraw.Draw(b), 60, 60, 80, (220, 210, 190), (120, 110, 110), dome=True)
    save_jpg(panel_row([a, b], gap=8), "gan-paint-dome.jpg")


def minimal_chart(rng):
    """samples/minimal.yaml: a small bar chart."""
    bar_chart([3, 5, 8, 13], [SKY, BLUE, (40, 80, 150), ORANGE], "bar-chart.png", w=360, h=200, baseline_labels=["A", "B", "C", "D"])


FIGURES = [
    continual_method,
    exgan_rain,
    exgan_compare,
    flow_edge,
    dfc_net,
    inpainting,
    distillation,
    one_shot_characters,
    grounded_tasks,
    grounded_demo,
    dl_timeline,
    matlab_manual,
    prada_exhibition,
    brain2word,
    photo3d_pipeline,
    megadepth,
    pspnet,
    depth_network,
    photo3d_demo,
    dissection_overview,
    vgg_charts,
    pggan_chart,
    gan_edits,
    adversarial,
    gan_paint,
    minimal_chart,
]


def main() -> int:
    if not FONT_PATH.is_file():
        print(f"missing font {FONT_PATH}", file=sys.stderr)
        return 1
    for i, make in enumerate(FIGURES):
        make(np.random.default_rng(1000 + i))
    total = 0
    for p in sorted(HERE.glob("*.png")) + sorted(HERE.glob("*.jpg")):
        size = p.stat().st_size
        total += size
        print(f"{size:7d}  {p.name}")
    print(f"{total:7d}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
