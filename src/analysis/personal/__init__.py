"""Personal: sjukfrånvarons nyckeltal, trender och prognoser, och röjandeskyddet."""
