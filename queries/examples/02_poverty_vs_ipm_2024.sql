-- title: Poverty rate against the human development index (IPM), 2024
-- title_id: Persentase penduduk miskin dibandingkan IPM, 2024
-- One row per region with both figures; the join keeps regions that have both.
-- id: Satu baris per wilayah yang punya kedua angka; join hanya menyimpan wilayah yang punya keduanya.
SELECT r.name,
       p.value AS poverty_rate_pct,
       i.value AS ipm,
       rank() OVER (ORDER BY p.value) AS poverty_rank_low_first,
       rank() OVER (ORDER BY i.value DESC) AS ipm_rank_high_first
FROM observation AS p
JOIN observation AS i
  ON i.region_code = p.region_code AND i.year = p.year AND i.indicator_id = 'ipm'
JOIN region AS r ON r.code = p.region_code
WHERE p.indicator_id = 'poverty_rate'
  AND p.year = 2024
ORDER BY poverty_rate_pct;
