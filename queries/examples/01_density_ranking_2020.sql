-- title: Population density ranking, 2020 census
-- title_id: Peringkat kepadatan penduduk, Sensus 2020
-- People per km2 from the 2020 census count and the official BIG area (view derived_density).
-- id: Penduduk per km² dari hitungan Sensus 2020 dan luas resmi BIG (view derived_density).
SELECT rank() OVER (ORDER BY d.value DESC) AS rank,
       r.name,
       r.province,
       round(d.value) AS people_per_km2,
       r.area_km2
FROM derived_density AS d
JOIN region AS r ON r.code = d.region_code
WHERE d.indicator_id = 'population_density_census'
  AND d.year = 2020
ORDER BY rank;
