-- indicator_values.sql for every year the indicator has a figure (in any region), one after the
-- other: values_year, then the very columns indicator_values.sql gives for that year, in its order
-- (jabodash.store.datasource reads a year's rows from it: a map's year change then runs no query).
WITH years AS (SELECT DISTINCT year FROM shown_figures($official_only) WHERE indicator_id = $indicator_id)
SELECT y.year AS values_year, r.code AS region_code, r.name, r.short_name, r.province,
       o.value, o.derived, o.note, o.dataset_id, d.cite AS source, coalesce(d.origin, d.cite) AS origin, d.source_url,
       o.grade,
       CASE WHEN o.value IS NULL THEN NULL
            ELSE rank() OVER (PARTITION BY y.year, o.value IS NULL ORDER BY o.value DESC) END AS rank_desc
FROM place r
CROSS JOIN years y
LEFT JOIN shown_figures($official_only) o
       ON o.region_code = r.code AND o.indicator_id = $indicator_id AND o.year = y.year
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE ($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
   OR ($region_set = 'kecamatan' AND r.level = 'kecamatan')
ORDER BY y.year, o.value DESC NULLS LAST, r.code;
