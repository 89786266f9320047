package io.neurostream.classifier;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * RocksDB sized for the batch buffer, which never holds more than one batch of scans: a 1 MiB
 * block cache and two 4 MiB memtables per store, instead of Kafka Streams' defaults (a 50 MiB
 * cache and three 16 MiB memtables per store), so the buffer costs little native memory.
 */
public final class SmallBufferRocksConfig implements RocksDBConfigSetter {

  private LRUCache cache;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    cache = new LRUCache(1L << 20);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    options.setTableFormatConfig(table);
    options.setWriteBufferSize(4L << 20);
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {
    if (cache != null) {
      cache.close();
    }
  }
}
