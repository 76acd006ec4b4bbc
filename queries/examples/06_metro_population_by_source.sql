-- title: Metro population by year and source (census, BPS estimate, civil registry)
-- title_id: Penduduk metropolitan per tahun dan sumber (sensus, proyeksi BPS, Dukcapil)
-- Sums only over years in which every region of the agglomeration has a figure.
-- id: Dijumlahkan hanya untuk tahun ketika setiap wilayah aglomerasi punya angka.
SELECT o.indicator_id AS source,
       o.year,
       count(*) AS regions,
       sum(o.value) AS population
FROM observation AS o
JOIN region AS r ON r.code = o.region_code
WHERE o.indicator_id IN ('population_census', 'population_estimate_bps', 'population_dukcapil')
  AND r.in_agglomeration
GROUP BY ALL
HAVING count(*) = (SELECT count(*) FROM region WHERE in_agglomeration)
ORDER BY o.year, source;
