// One ECharts chart in a div: the screens give it an option object and it follows their updates. ECharts
// (Apache, maintained, canvas) is imported piecewise so the bundle carries only the charts used here.
import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n } from './i18n/i18n.tsx';

echarts.use([BarChart, LineChart, DatasetComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function Chart({ option, label, height = 240 }: { option: EChartsCoreOption; label: string; height?: number }) {
  const { lang } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return undefined;
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Right to left for Arabic: the time axis runs the other way, as the reader's eye does.
    chart.current?.setOption({ ...option, textStyle: { fontFamily: 'inherit' }, ...(lang === 'ar' ? { xAxis: { ...(option['xAxis'] as object), inverse: true } } : {}) }, { notMerge: true });
  }, [option, lang]);

  // The canvas is not read by assistive technology, so the chart carries its own label; each screen
  // also shows the numbers in a table.
  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
