"""Scale-out: partitioned extraction on local processes or an existing Dask cluster, with one code path.

    from rasd.scale import extract_partitioned
    run = extract_partitioned(["news/"], out_dir="events/", workers=4)            # local processes
    run = extract_partitioned(["news/"], out_dir="events/", dask_address="tcp://scheduler:8786")
    for item in iter_extracted(["news/"], workers=4):   # ArticleEvents | ArticleFailure | Skipped, in order
        ...                                              # e.g. store.add_article(item.article, item.events)
"""
from rasd.scale.cli import run_scaled_extract
from rasd.scale.partition import DEFAULT_PARTITION_SIZE, Partition, plan_partitions
from rasd.scale.runner import (ArticleEvents, ArticleFailure, PartitionResult, PartitionTask, ScaledRun, ScaleError,
                               dask_client, extract_items, extract_partitioned, iter_extracted, read_shards,
                               run_partition, warm_up)

__all__ = ["DEFAULT_PARTITION_SIZE", "ArticleEvents", "ArticleFailure", "Partition", "PartitionResult",
           "PartitionTask", "ScaleError", "ScaledRun", "dask_client", "extract_items", "extract_partitioned",
           "iter_extracted", "plan_partitions", "read_shards", "run_partition", "run_scaled_extract", "warm_up"]
