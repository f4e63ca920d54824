"""The index stage: corpus files -> passages -> tokens -> index, and questions -> Hits.

- `query`: question -> Query (spelling, senses of English words, eras, abbreviations, facts)
- `postings`: tokens -> BM25 weights per term (rank-bm25's formula, Lucene's idf)
- `search`: Query -> ranked Hits, with what each holds of the question (`coverage`)
- `hits`: a Hit, and a search's hits kept in columns (`Ranked`)
- `analysis`: passages -> terms with their places and facts, on every core
- `build`: the one way an index is built, with a cache folder or in memory, reusing the
  tokens of unchanged reports
- `storage`, `freshness`: the on-disk format (memory-mapped arrays) and when a cache is right

Importing the package brings the pure stages only (query, postings, search); building and the
files on disk are imported where they are used.
"""

from bot.index.hits import Hit, Ranked
from bot.index.postings import Postings, TermIds
from bot.index.query import Concept, Query
from bot.index.search import SearchIndex, Spans

__all__ = [
    "Concept",
    "Hit",
    "Postings",
    "Query",
    "Ranked",
    "SearchIndex",
    "Spans",
    "TermIds",
]
