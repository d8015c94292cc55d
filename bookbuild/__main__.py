from bookbuild.cli import main

# Guarded: a catalogue's worker processes are spawned, and spawning imports the parent's main
# module again (as __mp_main__), which must not run the command line a second time.
if __name__ == "__main__":
    main()
