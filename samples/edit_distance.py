# Edit distance between words, by dynamic programming: lists, nested loops,
# min/max and string indexing, nothing but scalars. Runs the same under
# torch.jit.script (call main() on the scripted function).
from typing import List


def edit_distance(a: str, b: str) -> int:
    prev: List[int] = [j for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        cur: List[int] = [i]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
        prev = cur
    return prev[len(b)]


def closest(word: str, vocabulary: List[str]) -> str:
    best = vocabulary[0]
    best_d = edit_distance(word, best)
    for v in vocabulary[1:]:
        d = edit_distance(word, v)
        if d < best_d:
            best, best_d = v, d
    return best


def main() -> None:
    vocabulary = ["tensor", "script", "module", "graph", "kernel", "archive"]
    for typo in ["tensro", "scirpt", "modle", "grpah", "kernal", "arcive"]:
        print(typo, "->", closest(typo, vocabulary), edit_distance(typo, closest(typo, vocabulary)))
