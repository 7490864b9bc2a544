-- The rendered text without markup, for search snippets: highlighting the Markdown source showed "**" and link targets.
ALTER TABLE contributions ADD COLUMN plain text NOT NULL DEFAULT '';
