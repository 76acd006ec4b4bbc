-- One uploaded indicator in one year for every kecamatan of the cached boundaries: a kecamatan
-- without a figure keeps its row with value NULL (as indicator_values for the kab/kota).
SELECT k.code AS region_code, k.name, k.short_name, k.province,
       o.value, o.derived, o.note, o.dataset_id, d.cite AS source, coalesce(d.origin, d.cite) AS origin,
       d.source_url,
       CASE WHEN o.value IS NULL THEN NULL
            ELSE rank() OVER (PARTITION BY o.value IS NULL ORDER BY o.value DESC) END AS rank_desc
FROM kecamatan k
LEFT JOIN observation_all o
       ON o.region_code = k.code AND o.indicator_id = $indicator_id AND o.year = $year
LEFT JOIN dataset d ON d.id = o.dataset_id
ORDER BY o.value DESC NULLS LAST, k.code;
