#!/usr/bin/env node
// The local services a structure exports (directory_export_local, the same
// function as `lien export services`) must validate against the official
// data·inclusion v1 JSON Schemas (schema/, copied from
// gip-inclusion/data-inclusion-schema v1.0.8), with a real validator: ajv
// (Draft 2020-12) and ajv-formats for "email", "uri" and "date".
//
// The export is written by the unit test directory_local_services (partners
// and services created through the domain API, validated and audited) when
// LIEN_DIRECTORY_EXPORT names a file. The validator itself is checked too:
// the shipped data·inclusion sample passes, a spoiled copy of the export fails
// for each spoiled field.
//
//   node tests/directory/export.js    (LIEN_UNIT: the unit-test binary)
// Last line: "N passed, N failed" like the other suites.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const unit = path.resolve(root, process.env.LIEN_UNIT || 'build/tests/unit_tests');
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
	if (ok) {
		passed++;
		console.log(`ok   directory: ${name}`);
	} else {
		failed++;
		console.log(`FAIL directory: ${name}`);
		if (detail)
			console.log(`    ${detail}`);
	}
}

function finish() {
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

let Ajv2020, addFormats;
try {
	Ajv2020 = require('ajv/dist/2020');
	addFormats = require('ajv-formats');
} catch (e) {
	check('ajv installed (make deps: npm ci in tests/directory)', false, e.message);
	finish();
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const schema = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, 'schema', name), 'utf8'));
const validStructure = ajv.compile(schema('structure.json'));
const validService = ajv.compile(schema('service.json'));

function errorsOf(doc) {
	const errors = [];
	for (const [list, valid] of [['structures', validStructure], ['services', validService]]) {
		for (const record of doc[list] || []) {
			if (!valid(record))
				for (const e of valid.errors)
					errors.push(`${list} ${record.id}: ${e.instancePath || '/'} ${e.message}`);
		}
	}
	return errors;
}

// 1. The validator accepts the official-shaped sample.
const sample = JSON.parse(fs.readFileSync(path.join(__dirname, 'samples',
	'di-v1-from-lmn-nouvelle-caledonie.DERIVED.json'), 'utf8'));
let errors = errorsOf(sample);
check('the data·inclusion sample validates (90 structures, 90 services)',
	errors.length === 0 && sample.structures.length === 90 && sample.services.length === 90, errors.slice(0, 5).join('; '));

// 2. The export, made through the domain API by the unit test.
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lien-directory-')), 'export.json');
const run = spawnSync(unit, ['directory_local_services'], {
	env: { ...process.env, LIEN_DIRECTORY_EXPORT: out }, encoding: 'utf8',
});
check('unit test directory_local_services wrote the export', run.status === 0 && fs.existsSync(out),
	(run.stdout || '') + (run.stderr || '') + (run.error ? run.error.message : ''));
if (!fs.existsSync(out))
	finish();
let doc;
try {
	doc = JSON.parse(fs.readFileSync(out, 'utf8'));
} catch (e) {
	check('the export is JSON', false, e.message);
	finish();
}
check('the export is {structures, services} with one of each',
	Array.isArray(doc.structures) && Array.isArray(doc.services) && doc.structures.length === 1 && doc.services.length === 1);
errors = errorsOf(doc);
check('the export validates against structure.json and service.json', errors.length === 0, errors.join('; '));
const ids = new Set(doc.structures.map((s) => s.id));
check('every service belongs to an exported structure', doc.services.every((s) => ids.has(s.structure_id)));
check('ids are "lien--<structure>-p<n>" / "-s<n>" and source is "lien"',
	doc.structures.every((s) => /^lien--\d+-p\d+$/.test(s.id) && s.source === 'lien') &&
	doc.services.every((s) => /^lien--\d+-s\d+$/.test(s.id) && s.source === 'lien'));
const svc = doc.services[0] || {};
check('values kept: zone as départements, date, hours, themes',
	JSON.stringify(svc.zone_eligibilite) === '["02","59","60","62","80"]' && svc.date_maj === '2026-03-05' &&
	svc.horaires_accueil === 'Tu 14:00-17:00' &&
	JSON.stringify(svc.thematiques) === '["equipement-et-alimentation--alimentation"]' &&
	svc.lien_mobilisation === 'https://exemple.fr/prendre%20rendez-vous?q=%C3%A9' &&
	svc.nombre_semaines === 12 && svc.volume_horaire_hebdomadaire === 2.5 && svc.latitude === null,
	JSON.stringify(svc));
check('no field outside data·inclusion v1 (lieux fields are not exported)',
	Object.keys(svc).every((k) => k in schema('service.json').properties) &&
	Object.keys(doc.structures[0] || {}).every((k) => k in schema('structure.json').properties));

// 3. The validator does check what the import checks: each spoiled field fails.
const spoils = [
	['services', 'courriel', 'pas-une-adresse', 'format'],
	['services', 'lien_mobilisation', 'www.exemple.fr', 'format'],
	['services', 'date_maj', '2026-02-30', 'format'],
	['services', 'thematiques', ['numerique--jardiner'], 'enum'],
	['services', 'zone_eligibilite', ['5935'], 'pattern'],
	['services', 'nom', 'Ab', 'minLength'],
	['structures', 'code_postal', '5900', 'pattern'],
	['structures', 'siret', '123', 'pattern'],
];
for (const [list, field, value, keyword] of spoils) {
	const copy = JSON.parse(JSON.stringify(doc));
	copy[list][0][field] = value;
	const valid = list === 'services' ? validService : validStructure;
	const ok = !valid(copy[list][0]);
	const kw = ok ? valid.errors.map((e) => e.keyword) : [];
	check(`a spoiled ${field} is refused (${keyword})`, ok && kw.includes(keyword), JSON.stringify(valid.errors));
}
finish();
