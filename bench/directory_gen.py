#!/usr/bin/env python3
"""A national-size services directory shaped like the shipped samples.

  python3 bench/directory_gen.py di N  > services.json   data·inclusion v1:
      N services over N/2.5 structures, {"structures": [...], "services": [...]}
  python3 bench/directory_gen.py lmn N > lieux.csv       lieux de médiation
      numérique 1.x CSV: N lieux (one structure and one service each)

Records are copies of the samples (tests/directory/samples) with new ids,
names, places (real communes of data/communes.csv, points spread over
mainland France) and a mix of vocabulary values; the output is the same
for the same N (fixed seed), so re-importing it is idempotent.
"""
import csv
import json
import os
import random
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
samples = os.path.join(root, 'tests', 'directory', 'samples')
rng = random.Random(20260427)


def vocab(name):
    with open(os.path.join(root, 'data', 'di-v1-vocabulaires.csv'), newline='') as f:
        return [r['value'] for r in csv.DictReader(f) if r['vocabulary'] == name]


with open(os.path.join(root, 'data', 'communes.csv'), newline='') as f:
    communes = [r for r in csv.DictReader(f) if r['departement'] < '97' and r['codes_postaux']]

# Sentences of the kind services write about themselves; each description
# takes a few, plus the labels of its own thématiques, so that words are as
# selective as in a real directory.
SENTENCES = [
    "Accueil sans rendez-vous le mardi et le jeudi matin.",
    "Sur rendez-vous, par téléphone ou à l'accueil de la mairie.",
    "Un conseiller vous aide à constituer votre dossier et à suivre votre demande.",
    "Permanence d'une assistante sociale deux fois par mois.",
    "Distribution de colis alimentaires aux familles orientées par un travailleur social.",
    "Épicerie solidaire : produits à petit prix pour les foyers aux revenus modestes.",
    "Aide aux démarches en ligne : CAF, CPAM, France Travail, impôts, ANTS.",
    "Atelier collectif d'initiation à l'ordinateur et au smartphone.",
    "Prêt de matériel informatique et accès libre à internet.",
    "Accompagnement à la recherche d'emploi, CV et lettre de motivation.",
    "Écoute et orientation des victimes de violences conjugales.",
    "Hébergement d'urgence et mise à l'abri, appelez le 115.",
    "Médiation avec le bailleur en cas d'impayés de loyer.",
    "Aide au budget et prévention du surendettement.",
    "Vestiaire solidaire ouvert à tous, participation libre.",
    "Soutien scolaire et aide aux devoirs pour les enfants du quartier.",
    "Cours de français pour les personnes allophones.",
    "Accompagnement des aidants familiaux, groupe de parole mensuel.",
    "Auto-école sociale et aide au financement du permis de conduire.",
    "Consultations gratuites d'un avocat sur rendez-vous.",
    "Point d'accès au droit : informations juridiques gratuites et confidentielles.",
    "Activités sportives et culturelles pour rompre l'isolement.",
    "Accueil de jour avec douches, laverie et domiciliation.",
    "Bilan de santé gratuit et accompagnement vers les soins.",
    "Service de transport à la demande pour les personnes âgées.",
]


def place():
    c = rng.choice(communes)
    return c, round(rng.uniform(42.4, 51.0), 6), round(rng.uniform(-4.7, 8.2), 6)


LABELS = {}
with open(os.path.join(root, 'data', 'di-v1-vocabulaires.csv'), newline='') as f:
    for r in csv.DictReader(f):
        if r['vocabulary'] == 'thematique':
            LABELS[r['value']] = r['label']


def sentence(n, themes=()):
    words = [LABELS[t] + '.' for t in themes] + rng.sample(SENTENCES, n)
    rng.shuffle(words)
    return ' '.join(words)


def di(n):
    with open(os.path.join(samples, 'di-v1-from-lmn-nouvelle-caledonie.DERIVED.json')) as f:
        sample = json.load(f)
    themes, publics, types = vocab('thematique'), vocab('public'), vocab('type')
    reseaux, modes = vocab('reseau-porteur'), vocab('mode-mobilisation')
    nstruct = max(1, int(n / 2.5))
    out = sys.stdout
    out.write('{"structures": [\n')
    places = []
    for i in range(nstruct):
        s = dict(sample['structures'][i % len(sample['structures'])])
        c, lat, lon = place()
        places.append((c, lat, lon))
        s.update(source='bench', id='bench--p%d' % i, nom='%s %d' % (s['nom'][:130], i),
                 commune=c['nom'], code_postal=c['codes_postaux'].split('|')[0], code_insee=c['code_insee'],
                 latitude=lat, longitude=lon, description=sentence(3),
                 reseaux_porteurs=rng.sample(reseaux, rng.randint(0, 2)) or None)
        out.write(('' if i == 0 else ',\n') + json.dumps(s, ensure_ascii=False))
    out.write('\n], "services": [\n')
    for i in range(n):
        v = dict(sample['services'][i % len(sample['services'])])
        k = i % nstruct
        c, lat, lon = places[k]
        own = rng.random() < 0.5  # half the services have a point of their own
        v.update(source='bench', id='bench--s%d' % i, structure_id='bench--p%d' % k,
                 nom='%s %d' % (rng.choice(['Permanence', 'Atelier', 'Accompagnement', 'Aide', 'Accueil']), i),
                 type=rng.choice(types),
                 thematiques=sorted(rng.sample(themes, rng.randint(1, 4))),
                 publics=sorted(rng.sample([p for p in publics if p != 'tous-publics'], rng.randint(1, 3))) if rng.random() < 0.7 else ['tous-publics'],
                 commune=c['nom'], code_postal=c['codes_postaux'].split('|')[0], code_insee=c['code_insee'],
                 latitude=round(lat + rng.uniform(-0.01, 0.01), 6) if own else None,
                 longitude=round(lon + rng.uniform(-0.01, 0.01), 6) if own else None,
                 zone_eligibilite=[c['departement']], modes_mobilisation=sorted(rng.sample(modes, rng.randint(1, 2))),
                 horaires_accueil=rng.choice(['Mo-Fr 09:00-12:00,14:00-17:00', 'Tu,Th 14:00-18:00; PH off',
                                              'Mo-Sa 08:30-12:30', None]))
        v['description'] = sentence(rng.randint(2, 5), v['thematiques'])
        out.write(('' if i == 0 else ',\n') + json.dumps(v, ensure_ascii=False))
    out.write('\n]}\n')


def lmn(n):
    with open(os.path.join(samples, 'exemple-valide.csv'), newline='') as f:
        rows = list(csv.reader(f))
    header, template = rows[0], rows[1]
    col = {name: i for i, name in enumerate(header)}
    with open(os.path.join(root, 'data', 'lmn-vocabulaires.csv'), newline='') as f:
        lists = {}
        for r in csv.DictReader(f):
            if r['version'] == '1.0':
                lists.setdefault(r['field'], []).append(r['value'])
    w = csv.writer(sys.stdout, lineterminator='\n')
    w.writerow(header)
    for i in range(n):
        r = list(template)
        c, lat, lon = place()
        r[col['id']] = 'lieu-%d' % i
        r[col['nom']] = 'Espace numérique %d' % i
        r[col['commune']] = c['nom']
        r[col['code_postal']] = c['codes_postaux'].split('|')[0]
        r[col['code_insee']] = c['code_insee']
        r[col['latitude']] = str(lat)
        r[col['longitude']] = str(lon)
        r[col['source']] = 'bench'
        r[col['presentation_detail']] = sentence(rng.randint(2, 5))
        for field in ('services', 'publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge',
                      'dispositif_programmes_nationaux', 'modalites_acces', 'modalites_accompagnement'):
            values = lists[field]
            r[col[field]] = '|'.join(rng.sample(values, rng.randint(1, min(3, len(values)))))
        w.writerow(r)


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('di', 'lmn'):
        sys.exit(__doc__)
    (di if sys.argv[1] == 'di' else lmn)(int(sys.argv[2]))
