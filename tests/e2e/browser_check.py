#!/usr/bin/env python3
"""Checks the DOM that headless Chromium dumped of a plot folder's
index.html: every <img src> is an existing file, every <a href> an existing
file or an anchor (id) of the page, the page shows charts, and its sections
come in reading order (sweep summary, headline, replications, timeline,
charts, tables).

usage: browser_check.py DOM.html FOLDER"""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlparse


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.links, self.ids, self.sections = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a:
            self.ids.add(a['id'])
        if tag == 'img':
            self.imgs.append(a.get('src', ''))
        elif tag == 'a' and 'href' in a:
            self.links.append(a['href'])
        if tag == 'section' and 'id' in a:
            self.sections.append(a['id'])


def target(folder, ref):
    """The file a src/href names (relative or file://), or None for an anchor."""
    u = urlparse(ref)
    if u.scheme not in ('', 'file'):
        return 'EXTERNAL'
    if not u.path:
        return None
    path = unquote(u.path)
    return path if u.scheme == 'file' else os.path.join(folder, path)


def main():
    dom_path, folder = sys.argv[1], sys.argv[2]
    d = Dom()
    d.feed(open(dom_path, encoding='utf-8').read())
    fails = []
    if len(d.imgs) < 3:
        fails.append(f'only {len(d.imgs)} images')
    for ref in d.imgs + d.links:
        t = target(folder, ref)
        if t == 'EXTERNAL':
            fails.append(f'{ref}: an external resource')
        elif t is None:
            anchor = urlparse(ref).fragment
            if anchor not in d.ids:
                fails.append(f'{ref}: no element with id {anchor!r}')
        elif not os.path.isfile(t):
            fails.append(f'{ref}: missing file {t}')
        else:
            frag = urlparse(ref).fragment
            if frag and os.path.abspath(t) == os.path.abspath(os.path.join(folder, 'index.html')) \
                    and frag not in d.ids:
                fails.append(f'{ref}: no element with id {frag!r}')
    order = ['sweep-summary', 'headline', 'replications', 'timeline', 'charts', 'tables']
    seen = [s for s in d.sections if s in order]
    if seen != [s for s in order if s in seen] or 'headline' not in seen or 'charts' not in seen:
        fails.append(f'sections out of order: {d.sections}')
    if d.sections and d.sections[0] not in ('sweep-summary', 'headline'):
        fails.append(f'the page does not open with its summary: {d.sections[0]}')
    for f in fails:
        print('    ' + f)
    print(f'    browser dom: {len(d.imgs)} images, {len(d.links)} links, '
          f'{len(fails)} problems')
    sys.exit(1 if fails else 0)


if __name__ == '__main__':
    main()
