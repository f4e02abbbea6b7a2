"""Choose a fuzz corpus by greedy feature cover: every seed_* file first, then the file adding
the most new features (ties: smaller first), within 200 files and 420 KB per target.

usage: select_corpus.py TARGET CONTROL_FILE OUT_DIR
CONTROL_FILE comes from `$B/TARGET -set_cover_merge=1 -merge_control_file=CONTROL_FILE EMPTY POOL`
(POOL = the committed corpus plus the run's finds). Replace corpus/TARGET with OUT_DIR after."""
import os, shutil, sys
t, control, out = sys.argv[1:4]
MAX_FILES, MAX_BYTES = 200, 420 * 1024
repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", t)
old_names = set(os.listdir(repo))
lines = open(control).read().split("\n")
n = int(lines[0]); paths = lines[2:2 + n]
feats = {}
for ln in lines[2 + n:]:
    p = ln.split()
    if p and p[0] == "FT":
        feats[paths[int(p[1])]] = set(map(int, p[2:]))
size = {p: os.path.getsize(p) for p in feats}
pool = set().union(*feats.values())
old = set().union(*(f for p, f in feats.items() if os.path.basename(p) in old_names))
seeds = [p for p in feats if os.path.basename(p).startswith("seed_")]
# a seed the merge did not record (crashed/timeout) would be lost: keep every repo seed anyway
missing = [s for s in os.listdir(repo) if s.startswith("seed_") and not any(os.path.basename(p) == s for p in seeds)]
keep, covered, used = list(seeds), set(), 0
for p in seeds:
    covered |= feats[p]; used += size[p]
rest = [p for p in feats if p not in seeds]
while len(keep) + len(missing) < MAX_FILES:
    best, gain = None, 0
    for p in rest:
        if used + size[p] > MAX_BYTES:
            continue
        g = len(feats[p] - covered)
        if g > gain or (g == gain and g > 0 and size[p] < size[best]):
            best, gain = p, g
    if best is None:
        break
    keep.append(best); rest.remove(best); covered |= feats[best]; used += size[best]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
for p in keep:
    shutil.copy(p, os.path.join(out, os.path.basename(p)))
for s in missing:
    shutil.copy(os.path.join(repo, s), os.path.join(out, s))
print(f"{t}: pool {len(feats)} files {len(pool)} features; old corpus {len(old_names)} files "
      f"{len(old)} features; kept {len(keep)+len(missing)} files {used} bytes {len(covered)} features "
      f"(missing seeds {len(missing)})")
