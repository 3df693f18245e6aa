#!/usr/bin/env python3
"""Builds the services directory's reference files in data/ from the national
schemas in ../shared/data (see data/README.md for origins and licences):

  data/di-v1-vocabulaires.csv   vocabulary,value,label,parent
      the data·inclusion v1 vocabularies (thématique categories and
      sub-thématiques, types, publics, frais, modes d'accueil, modes de
      mobilisation, personnes mobilisatrices, réseaux porteurs)
  data/lmn-vocabulaires.csv     version,field,value
      the controlled lists of the lieux de médiation numérique schema,
      1.0 (from its patterns) and 0.1 (schema-v0.1.1.json patterns)
  data/lmn-to-di-v1.csv         the mapping lieux → data·inclusion v1, as is

Run from the repository root:  python3 tools/directory-data.py [SHARED_DATA]
data/lmn-0.1-to-1.csv is written by hand (it is Lien's own correspondence).
"""
import csv
import json
import os
import re
import shutil
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join('..', 'shared', 'data')
di = os.path.join(src, 'data-inclusion')
lmn = os.path.join(src, 'lieux-mediation-numerique')


def rows(name):
    with open(os.path.join(di, 'csv', 'v1', name), newline='') as f:
        return list(csv.DictReader(f))


with open('data/di-v1-vocabulaires.csv', 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['vocabulary', 'value', 'label', 'parent'])
    with open(os.path.join(di, 'v1', 'extra', 'thematiques-categories.DERIVED.json')) as c:
        for r in json.load(c):
            w.writerow(['thematique-categorie', r['value'], r['label'], ''])
    for r in rows('thematiques_v1.csv'):
        w.writerow(['thematique', r['value'], r['label'], r['value'].split('--')[0]])
    for vocab, name in [('type', 'types_de_services_v1.csv'), ('public', 'publics_v1.csv'),
                        ('frais', 'frais_v1.csv'), ('mode-accueil', 'modes_accueil_v1.csv'),
                        ('mode-mobilisation', 'modes_mobilisation_v1.csv'),
                        ('personne-mobilisatrice', 'personne_mobilisatrice_v1.csv'),
                        ('reseau-porteur', 'reseaux_porteurs_v1.csv')]:
        for r in rows(name):
            w.writerow([vocab, r['value'], r['label'], ''])


def pattern_values(pattern):
    """The alternatives of a '(?:(?:^|SEP)(A|B|C))+$' pattern, unescaped."""
    inner = re.search(r'\)\((.*)\)\)\+\$$', pattern).group(1)
    parts, depth, cur = [], 0, ''
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == '\\':
            cur += inner[i + 1]
            i += 2
            continue
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        if ch == '|' and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


with open('data/lmn-vocabulaires.csv', 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['version', 'field', 'value'])
    for version, name in [('1.0', 'schema.json'), ('0.1', 'schema-v0.1.1.json')]:
        with open(os.path.join(lmn, name)) as s:
            for field in json.load(s)['fields']:
                p = field.get('constraints', {}).get('pattern', '')
                if p.startswith('(?:(?:^|'):
                    for v in pattern_values(p):
                        w.writerow([version, field['name'], v])

shutil.copyfile(os.path.join(src, 'mappings', 'lmn-to-data-inclusion-v1.DERIVED.csv'), 'data/lmn-to-di-v1.csv')
