from jobagent.cli import main

main()
