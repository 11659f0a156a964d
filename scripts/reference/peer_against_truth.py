#!/usr/bin/env python3
"""formcheck and MediaPipe's own pipeline against the renders' exact truth, per joint: the
median and p90 distance in cm over every frame of the committed samples.

    for v in sample_videos/*.mp4; do
      models/.work/venv-mp/bin/python scripts/models/mediapipe_reference.py "$v" \
        --model-complexity 1 --out MP/$(basename "$v" .mp4).json      # 2 for the heavy model
    done
    formcheck analyze sample_videos --out OUT -j 2 -q                    # --model heavy for 2
    python3 scripts/reference/peer_against_truth.py MP OUT

TRUTH_DIR (default sample_videos) takes other renders with their NAME.truth.json, such as the
fault suite's cache (FORMCHECK_SUITE_CACHE).

MediaPipe's side for a sample is the one it sees better at the shoulder and hip over the clip
(what a user of its output would take as the near side); the last column is the better of its
two sides frame by frame against the truth (an oracle no pipeline has). tests/samples.rs
(`hip_knee_and_ankle_are_nearer_the_truth_than_mediapipes_own_pipeline`) holds the full
model to this on the stored references. Standard library only.
"""
import glob
import json
import math
import os
import statistics as st
import sys

if len(sys.argv) not in (3, 4):
    sys.exit('usage: peer_against_truth.py MEDIAPIPE_DIR RESULTS_DIR [TRUTH_DIR]')
truth_dir = sys.argv[3] if len(sys.argv) == 4 else 'sample_videos'
mpdir=sys.argv[1]; fcdir=sys.argv[2]
IDX={'shoulder':(11,12),'hip':(23,24),'knee':(25,26),'ankle':(27,28),'heel':(29,30),'toe':(31,32),'ear':(7,8),'wrist':(15,16)}
E={}
for p in sorted(glob.glob(mpdir+'/*.json')):
    n=os.path.basename(p)[:-5]
    mp=json.load(open(p)); t=json.load(open(os.path.join(truth_dir, n + '.truth.json'))); fc=json.load(open(f'{fcdir}/{n}.json'))
    cm=t['cm_per_px']
    frames=[f for f in mp['frames'] if f.get('landmarks')]
    # near side per clip: higher mean visibility of shoulder+hip
    vis=[sum(f['landmarks'][a][3] for a in (11,23)) - sum(f['landmarks'][a][3] for a in (12,24)) for f in frames]
    nearL = st.mean(vis)>=0
    for f in mp['frames']:
        L=f.get('landmarks'); i=f['i']
        tb=t['frames'][i]['body']; fb=fc['frames'][i].get('body') or {}
        for j,(a,b) in IDX.items():
            if j not in tb: continue
            tx,ty=tb[j]
            if L:
                # MediaPipe's continuous pixels to OpenCV's (pixel centres on integers), as
                # compact_mediapipe.py stores them and formcheck reports.
                pa,pb=[(q[0]-0.5,q[1]-0.5) for q in (L[a],L[b])]
                near=pa if nearL else pb
                E.setdefault((j,'mp near'),[]).append(math.hypot(near[0]-tx,near[1]-ty)*cm)
                E.setdefault((j,'mp nearer (oracle)'),[]).append(min(math.hypot(pa[0]-tx,pa[1]-ty),math.hypot(pb[0]-tx,pb[1]-ty))*cm)
            if j in fb:
                E.setdefault((j,'formcheck'),[]).append(math.hypot(fb[j][0]-tx,fb[j][1]-ty)*cm)
print('| joint | formcheck median / p90 cm | MediaPipe near side | MediaPipe nearer side to the truth (oracle) |')
print('|---|---|---|---|')
for j in IDX:
    row=[]
    for k in ('formcheck','mp near','mp nearer (oracle)'):
        v=sorted(E.get((j,k),[]))
        row.append('%.2f / %.2f (%d)'%(st.median(v),v[int(.9*len(v))],len(v)) if v else '-')
    print('| %s | %s |'%(j,' | '.join(row)))
