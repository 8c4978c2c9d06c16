# poll.interval 1s, gold.sales_daily every hour: three polls later it was
# observed once, silver.orders every time.
wait_log 'poll finished in' 4 30
