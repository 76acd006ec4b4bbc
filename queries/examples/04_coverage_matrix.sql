-- title: Coverage matrix: regions with a figure, by indicator and year (2018 onwards)
-- title_id: Matriks cakupan: jumlah wilayah yang memiliki angka, per indikator dan tahun (2018 ke atas)
-- PIVOT turns the years into columns; 0 means no region has a figure for that year.
-- id: PIVOT menjadikan tahun sebagai kolom; 0 berarti tidak ada wilayah yang punya angka pada tahun itu.
PIVOT (
    SELECT indicator_id, year, region_code
    FROM observation_all
    WHERE year >= 2018
)
ON year
USING count(region_code)
GROUP BY indicator_id
ORDER BY indicator_id;
