-- One indicator in one year for every region of the set: a region without a figure keeps
-- its row with value NULL, so gaps stay visible. region_set 'kecamatan': every kecamatan of the
-- cached boundaries instead of the kab/kota.
SELECT r.code AS region_code, r.name, r.short_name, r.province,
       o.value, o.derived, o.note, o.dataset_id, d.cite AS source, coalesce(d.origin, d.cite) AS origin, d.source_url,
       o.grade,
       CASE WHEN o.value IS NULL THEN NULL
            ELSE rank() OVER (PARTITION BY o.value IS NULL ORDER BY o.value DESC) END AS rank_desc
FROM place r
LEFT JOIN shown_figures($official_only) o
       ON o.region_code = r.code AND o.indicator_id = $indicator_id AND o.year = $year
LEFT JOIN dataset d ON d.id = o.dataset_id
WHERE ($region_set = 'agglomeration' AND r.in_agglomeration) OR ($region_set = 'jabodetabek' AND r.in_jabodetabek)
   OR ($region_set = 'kecamatan' AND r.level = 'kecamatan')
ORDER BY o.value DESC NULLS LAST, r.code;
