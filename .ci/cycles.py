#!/usr/bin/env python3
"""Fails when two modules of src/ import each other, directly or through others (sibling
modules under a common parent; a parent and its own children are not a cycle). Run by .ci/test."""
import os,re,sys,itertools
root='src'
mods={}
for dp,_,fs in os.walk(root):
    for f in fs:
        if not f.endswith('.rs'): continue
        p=os.path.join(dp,f); rel=os.path.relpath(p,root)[:-3].split('/')
        if rel[-1] in ('mod','lib','main'): rel=rel[:-1]
        mods[tuple(rel)]=p
def resolve(cur,path):
    # path list like ['super','app','x'] or ['crate','vault']
    if path[0]=='crate': base=[]; rest=path[1:]
    elif path[0]=='super':
        base=list(cur); rest=path
        while rest and rest[0]=='super': base=base[:-1]; rest=rest[1:]
    elif path[0]=='self': base=list(cur); rest=path[1:]
    else: return None
    best=None
    for i in range(len(rest)+1):
        t=tuple(base+rest[:i])
        if t in mods: best=t
    return best
edges=set()
for m,p in mods.items():
    if m and m[-1] in ('tests',) or 'tests' in m or 'test_support' in m: continue
    src=open(p).read()
    # drop test modules inline
    src=re.split(r'#\[cfg\(test\)\]\s*mod tests \{',src)[0]
    isdir=p.endswith('mod.rs') or p.endswith('lib.rs')
    cur=m if isdir else m  # super from file m refers to parent of m
    src=re.sub(r'^\s*//.*$','',src,flags=re.M)
    def expand(mt):
        pre=mt.group(1); inner=mt.group(2)
        return ' '.join(pre+'::'+x.strip().split(' ')[0] for x in inner.split(',') if x.strip())
    for _ in range(2): src=re.sub(r'\b((?:crate|super)(?:::[a-z_][a-z0-9_]*)*)::\{([^{}]*)\}',expand,src)
    for mt in re.finditer(r'\b((?:crate|super|self)(?:::(?:super|[a-z_][a-z0-9_]*))+)',src):
        parts=mt.group(1).split('::')
        # 'super' in file m refers to m's parent module
        t=resolve(m,parts) if parts[0]!='self' else None
        if t and t!=m: edges.add((m,t))
# sibling-level: map each edge to the pair of children of the common ancestor
def sib(a,b):
    i=0
    while i<min(len(a),len(b)) and a[i]==b[i]: i+=1
    if i==len(a) or i==len(b): return None
    return (a[:i+1],b[:i+1])
g={}
for a,b in edges:
    s=sib(a,b)
    if s: g.setdefault(s[0],set()).add(s[1])
# Tarjan SCC
idx={};low={};st=[];on=set();out=[];n=[0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v]=low[v]=n[0];n[0]+=1;st.append(v);on.add(v)
    for w in g.get(v,()):
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        c=[]
        while True:
            w=st.pop();on.discard(w);c.append(w)
            if w==v:break
        if len(c)>1: out.append(c)
for v in list(g):
    if v not in idx: sc(v)
for c in out: print('CYCLE',sorted('::'.join(x) for x in c))
print(len(out),'import cycles')
sys.exit(1 if out else 0)
