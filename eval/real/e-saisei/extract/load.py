import glob, unicodedata, re, os
D='/work/main/eval/real/e-saisei/extract'
def load():
    rows=[]; kind=None; pref=None
    for f in sorted(glob.glob(D+'/p*.txt')):
        for line in open(f,encoding='utf-8'):
            line=line.rstrip('\n')
            if not line: continue
            if line.startswith('#'): kind=line[1:]; continue
            if line.startswith('@'): pref=line[1:]; continue
            code,n,fac,title=line.split('|',3)
            rows.append(dict(kind=kind,pref=pref,code=code,n=int(n),fac=fac.replace('\\r\\n','\r\n'),title=title.replace('\\r\\n','\r\n'),src=os.path.basename(f)))
    return rows
# 医療財団法人 / 医療社団法人 are typos for 医療法人財団 / 医療法人社団 seen in the source (e.g. 03D2505019); 特定医療法人 and 社会福祉法人 also head names.
CORP=re.compile(r'^(社会医療法人社団|社会医療法人財団|社会医療法人|医療法人社団|医療法人財団|医療財団法人|医療社団法人|特定医療法人|医療法人|一般社団法人|一般財団法人|公益財団法人|公益社団法人|社会福祉法人)')
def norm(s): return re.sub(r'\s+','',unicodedata.normalize('NFKC',s)).upper()
def strip_corp(raw):
    s=unicodedata.normalize('NFKC',raw).strip()
    m=CORP.match(s)
    if not m: return s
    rest=s[m.end():].lstrip()
    parts=re.split(r'\s+',rest,maxsplit=1)
    if len(parts)==2 and parts[1]: return parts[1]
    m2=re.match(r'^(.{1,8}?会)(.+)$',rest)
    if m2: return m2.group(2)
    return rest
def key(raw): return norm(strip_corp(raw))
