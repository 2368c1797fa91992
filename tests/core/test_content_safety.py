"""A teacher's folder is untrusted: one problem of each kind is reported once, the rest loads,
and nothing in it can run, reach outside the folder or the network."""

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from explorer.core import content as content_module
from explorer.core.content import ContentFolder, load_folders
from explorer.core.frontmatter import MAX_FILE_BYTES, MAX_IMAGE_BYTES
from explorer.core.render import markdown_to_html

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def topic(topic_id: str, body: str, lang: str = "zh", extra: str = "") -> str:
    return f'+++\nid = "{topic_id}"\ntitle = "{topic_id}"\n{extra}+++\n{body}\n'


@pytest.fixture
def unsafe_folder(tmp_path):
    """Good topics beside one file for each thing a careless or hostile folder may hold."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(topic("secret", "secret"), encoding="utf-8")
    (outside / "secret.png").write_bytes(PNG)
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "good.png").write_bytes(PNG)
    (folder / "huge.png").write_bytes(b"\0" * (MAX_IMAGE_BYTES + 1))
    for lang in ("zh", "en"):
        (folder / f"good.{lang}.md").write_text(topic("good", "![ok](good.png) fine"), encoding="utf-8")
    (folder / "script.zh.md").write_text(topic("script", "Hello\n\n<script>alert(1)</script>\n"), encoding="utf-8")
    (folder / "images.zh.md").write_text(topic("images", "\n".join([
        "![a](../outside/secret.png)", "![b](http://example.com/x.png)", "![c](/etc/passwd)",
        "![d](missing.png)", "![e](huge.png)", "![f](good.png)"])), encoding="utf-8")
    (folder / "big.zh.md").write_text(topic("big", "x" * (MAX_FILE_BYTES + 10)), encoding="utf-8")
    (folder / "binary.zh.md").write_bytes(b"+++\n\xff\xfe\x00\x81garbage\n+++\n")
    (folder / "brackets.zh.md").write_text(topic("brackets", "[x](" * 40 + "\n\nfine [a](topic:good)"), encoding="utf-8")
    (folder / "broken.zh.md").write_text('+++\nid = "broken\ntitle = 1\n+++\nbody\n', encoding="utf-8")
    os.symlink(outside / "secret.md", folder / "leak.zh.md")
    return folder


def messages(loaded, file_name: str) -> list[str]:
    """The problems of one file, but the expected "no English page" of a Chinese-only file."""
    return [p.message for p in loaded.problems if Path(p.file).name == file_name and "has no en page" not in p.message]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


ALLOWED_LINKS = ("topic:", "demo:", "answer:", "http://", "https://", "mailto:", "#")


def assert_safe(html: str, folder: Path = Path("/pack")) -> None:
    """No element that runs or embeds anything, no event handler, links only to routed schemes,
    images only from inside ``folder`` (or the explorer's own formula images)."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag not in ("script", "iframe", "style", "object", "embed", "link", "meta", "form", "input"), html
        assert not any(name.startswith("on") for name in attrs), html
        if tag == "a" and "href" in attrs:
            assert attrs["href"].startswith(ALLOWED_LINKS), html
        if tag == "img":
            source = attrs.get("src") or ""
            assert source.startswith("formula:") or (
                ":" not in source and not source.startswith(("/", "\\"))
                and os.path.normpath(folder / source).startswith(str(folder))), html


def test_each_problem_is_reported_once_and_the_rest_loads(unsafe_folder):
    loaded = load_folders([ContentFolder(unsafe_folder)])
    assert {"good", "script", "images"} <= set(loaded.tree.ids)
    assert "secret" not in loaded.tree.ids and "big" not in loaded.tree.ids and "broken" not in loaded.tree.ids
    expected = {
        "script.zh.md": ["raw HTML <script> is shown as text, never run"],
        "big.zh.md": ["too large"],
        "binary.zh.md": ["not UTF-8"],
        "broken.zh.md": ["TOML syntax error"],
        "leak.zh.md": ["links outside its content folder"],
        "brackets.zh.md": ["more than 16 unfinished '['"],
    }
    for file_name, words in expected.items():
        found = messages(loaded, file_name)
        assert len(found) == len(words), (file_name, found)
        for word, message in zip(words, found):
            assert word in message, (file_name, message)
    images = messages(loaded, "images.zh.md")
    assert len(images) == 5, images  # every image but the good one, once each
    for source, words in [("../outside/secret.png", "not a file inside"), ("http://example.com/x.png", "not a file inside"),
                          ("/etc/passwd", "not a file inside"), ("missing.png", "does not exist"), ("huge.png", "larger than")]:
        assert sum(f"'{source}'" in m and words in m for m in images) == 1, (source, images)
    assert messages(loaded, "good.zh.md") == [] and messages(loaded, "good.en.md") == []


def test_rendered_pages_never_run_or_fetch_anything(unsafe_folder):
    loaded = load_folders([ContentFolder(unsafe_folder)])
    for topic_id in ("script", "images", "good"):
        html = markdown_to_html(loaded.tree.get(topic_id).page("zh").body)
        assert_safe(html)
    assert "&lt;script&gt;" in markdown_to_html(loaded.tree.get("script").page("zh").body)


def test_a_symlinked_image_leading_out_is_not_shown(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    folder = tmp_path / "pack"
    folder.mkdir()
    os.symlink(outside, folder / "inside.png")
    (folder / "pic.zh.md").write_text(topic("pic", "![x](inside.png)"), encoding="utf-8")
    loaded = load_folders([ContentFolder(folder)])
    assert any("leads outside the content folder" in m for m in messages(loaded, "pic.zh.md"))


def test_too_many_files_are_refused_with_one_message(tmp_path, monkeypatch):
    monkeypatch.setattr(content_module, "MAX_TOPIC_FILES", 5)
    for number in range(8):
        (tmp_path / f"t{number}.zh.md").write_text(topic(f"t{number}", "text"), encoding="utf-8")
    loaded = load_folders([ContentFolder(tmp_path)])
    assert sorted(loaded.tree.ids) == [f"t{n}" for n in range(5)]
    refused = [p for p in loaded.problems if "more than 5 topic files" in p.message]
    assert len(refused) == 1 and Path(refused[0].file).name == "t5.zh.md"


@pytest.mark.parametrize("markdown", [
    "<iframe src='http://x'></iframe>", "<img src=http://x/y.png>", '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", "[x](file:///etc/passwd)", "![x](data:image/png;base64,AAAA)",
    "![x](//host/x.png)", "![x](..\\..\\secret.png)", "![x](%2e%2e/secret.png)", "<style>body{}</style>",
    "![a][ref]\n\n[ref]: http://example.com/a.png", "| a |\n|---|\n| <script>x</script> |",
    "> <script>x</script>", "- <b onclick=x>bold</b>", "&lt;script&gt;", "<http://example.com>",
])
def test_hostile_markdown_is_neutralised(markdown):
    assert_safe(markdown_to_html(markdown))
