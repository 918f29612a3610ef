"""The health centre's 43-file export (43 แฟ้ม, JHCIS / HOSxP PCU) as the import dataset `moph43`
(`../shared/data/moph-43-files.md` is the field reference).

    dataset   the Dataset registered with the import engine (its runner and its preview)
    run       one job: every used file of the upload in dependency order, one transaction
    bundle    the upload: the zip (or .txt files), its safety checks, the files found by name
    reader    one file: encoding, limits, header or layout, chunks of text columns, raw lines
    values    column parsers (dates with Buddhist-Era years, numbers, national IDs)
    homes     HOME → households, VILLAGE → moo numbers and community names, volunteers
    persons   PERSON → persons (who they are, who lives here)
    care      CHRONIC, DISABILITY, FUNCTIONAL, NCDSCREEN, COMMUNITY_SERVICE
    context   what the files of one job share (session, keys, fingerprints of applied rows)
    report    the rejected and warned rows, and the error report (a zip of the original rows)
    sample    the synthetic export generator (tests, benchmark, demo)
"""
