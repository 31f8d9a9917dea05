"""`python -m asyncmaturity`, and the script `spark-submit` runs: the same command line.

Example::

    spark-submit --master spark://head:7077 "$(python -c 'import asyncmaturity.__main__ as m; \
print(m.__file__)')" measure --engine spark --store hdfs:///exports/team --json -
"""

from asyncmaturity.cli import main

if __name__ == "__main__":
    main()
