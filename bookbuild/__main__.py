from bookbuild.cli import main

main()
