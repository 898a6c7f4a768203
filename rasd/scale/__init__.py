"""Scale-out: partitioned extraction on local processes or an existing Dask cluster, with one code path.

    from rasd.scale import extract_partitioned
    run = extract_partitioned(["news/"], out_dir="events/", workers=4)            # local processes
    run = extract_partitioned(["news/"], out_dir="events/", dask_address="tcp://scheduler:8786")
"""
from rasd.scale.cli import run_scaled_extract
from rasd.scale.partition import DEFAULT_PARTITION_SIZE, Partition, plan_partitions
from rasd.scale.runner import (PartitionResult, PartitionTask, ScaledRun, ScaleError, extract_partitioned,
                               read_shards, run_partition, warm_up)

__all__ = ["DEFAULT_PARTITION_SIZE", "Partition", "PartitionResult", "PartitionTask", "ScaleError", "ScaledRun",
           "extract_partitioned", "plan_partitions", "read_shards", "run_partition", "run_scaled_extract",
           "warm_up"]
