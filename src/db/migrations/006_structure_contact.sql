-- How people reach the structure: printed on every paper they take home.
ALTER TABLE structures ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE structures ADD COLUMN hours TEXT NOT NULL DEFAULT '';
