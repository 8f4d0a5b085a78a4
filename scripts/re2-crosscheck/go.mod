module acrctl/re2-crosscheck

go 1.19
