#!/usr/bin/env python3
"""Write a generated survey of about N slides to stdout (for scale checks).

Each paper has a Japanese and an original title, a nested summary and
commentary; rankings of ten papers each list them, so N slides need about
N/1.1 papers.
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
papers = max(1, -(-n * 10 // 11))
q = json.dumps
out = ["deck:", "  title: 生成された大きなサーベイ", "  date: 2026-11-01", "papers:"]
for i in range(papers):
    out += [
        f"  {q('p%d' % i)}:",
        f"    title: {q('Paper %d: a study of scaling laws in deep learning' % i)}",
        f"    title_ja: {q('第%d番目の論文：深層学習のスケーリング則の研究' % i)}",
        "    org: どこかの研究所",
        "    summary:",
        "      - 大規模言語モデルの性能はパラメータ数とデータ量に従って予測可能な形で向上する.",
        "      - - 計算予算が一定の場合, モデルとデータを同じ割合で増やすのが最適である.",
        "      - 本研究では Transformer ベースのモデルを 100 種類以上学習させて検証した.",
        "    commentary:",
        "      - 今後のモデル設計の指針になる.",
    ]
out.append("sections:")
for r in range(-(-papers // 10)):
    ids = ", ".join(q("p%d" % i) for i in range(r * 10, min(papers, r * 10 + 10)))
    out += [f"  - ranking: top list {r}", f"    papers: [{ids}]"]
print("\n".join(out))
