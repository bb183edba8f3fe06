"""In: läsning av filer, datakontraktets laddare, cachen i data/processed och SCB:s tabeller."""
