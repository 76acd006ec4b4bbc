-- title: Doctors per 100,000 people in DKI Jakarta
-- title_id: Dokter per 100.000 penduduk di DKI Jakarta
-- The derived view divides the number of doctors by the best population figure of the same year.
-- id: View turunan membagi jumlah dokter dengan angka penduduk terbaik pada tahun yang sama.
SELECT r.name,
       d.year,
       round(d.value, 1) AS doctors_per_100k,
       o.value AS doctors,
       d.note
FROM derived_per_100k AS d
JOIN region AS r ON r.code = d.region_code
JOIN observation AS o
  ON o.region_code = d.region_code AND o.year = d.year AND o.indicator_id = 'doctors'
WHERE d.indicator_id = 'doctors_per_100k'
  AND r.province_code = '31'
ORDER BY d.year DESC, doctors_per_100k DESC;
